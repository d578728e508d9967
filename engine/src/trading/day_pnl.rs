//! The day's P&L and the loss limits on it (`risk.max_daily_loss`,
//! `risk.max_drawdown`). Pure: event time only.
//!
//! A day runs from 00:00 UTC. At its start (or at the first start of the
//! engine that day) every position is taken at its mark then, as if bought
//! there; the day's fills are applied to those positions at their prices
//! and fees. So the day's P&L = realized (today's fills, fees included) +
//! unrealized (open positions at the others' midpoint now, less their day's
//! cost), exactly the cash the day's trading made plus what its positions
//! gained.
//!
//! - Below `−max_daily_loss`, or `max_drawdown` below the day's best, the
//!   limit is breached: the core halts (the main loop saves it in the kill
//!   switch, `by` risk).
//! - An operator who resumes after such a halt decides to go on: the loss
//!   is then measured from the P&L at the resume (the day's best too), so
//!   the same loss does not halt again; a new day starts from zero.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::orders::{Side, TokenId};
use crate::portfolio::Position;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// The UTC day of `ms` (days since 1970-01-01).
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// The loss limits (`[risk]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LossLimits {
    /// The day's loss past which trading halts.
    pub max_daily_loss: Option<Decimal>,
    /// The fall from the day's best past which trading halts.
    pub max_drawdown: Option<Decimal>,
}

/// Which limit was breached, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// `daily_loss` or `drawdown`.
    pub limit: &'static str,
    /// The loss it measured (positive).
    pub loss: Decimal,
    /// The limit.
    pub max: Decimal,
    /// The day's P&L then.
    pub pnl: Decimal,
}

impl Breach {
    /// The kill switch's reason.
    pub fn reason(&self) -> String {
        match self.limit {
            "daily_loss" => format!(
                "the day's loss of {} USDC (P&L {} since 00:00 UTC) passed risk.max_daily_loss {} USDC; resume only once you know why",
                self.loss.round_dp(2).normalize(),
                self.pnl.round_dp(2).normalize(),
                self.max.normalize()
            ),
            _ => format!(
                "the P&L fell {} USDC from the day's best (P&L {} since 00:00 UTC), past risk.max_drawdown {} USDC; resume only once you know why",
                self.loss.round_dp(2).normalize(),
                self.pnl.round_dp(2).normalize(),
                self.max.normalize()
            ),
        }
    }
}

/// The day's P&L as the metrics and `/health` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayPnl {
    /// Today's fills, fees included.
    pub realized: Decimal,
    /// Open positions at the others' midpoint, less their day's cost.
    pub unrealized: Decimal,
    /// The best of the day so far (since a resume, when there was one).
    pub peak: Decimal,
    /// What the loss is measured from (0, or the P&L at a resume).
    pub reference: Decimal,
}

impl DayPnl {
    /// Realized and unrealized.
    pub fn total(&self) -> Decimal {
        self.realized + self.unrealized
    }
}

/// One day's accounting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayBook {
    /// The UTC day.
    pub day: i64,
    /// When its accounting began.
    pub baseline_ms: i64,
    /// Each position's mark then (its cost for the day).
    pub marks: BTreeMap<TokenId, Decimal>,
    /// The day's positions (those held at the baseline at its marks, then
    /// the day's fills).
    positions: BTreeMap<TokenId, Position>,
    /// The day's best P&L (since the reference was set).
    pub peak: Decimal,
    /// Losses are measured from here.
    pub reference: Decimal,
    /// The limit that halted trading, until an operator resumes.
    pub breached: Option<String>,
}

impl DayBook {
    /// A day starting at `now_ms` with these positions at these marks (a
    /// token without a mark is taken at 0, so its value counts as gained
    /// when its first mark comes: only a gain, never a false loss).
    pub fn start(
        now_ms: i64,
        positions: &BTreeMap<TokenId, Decimal>,
        marks: &BTreeMap<TokenId, Decimal>,
    ) -> Self {
        let mut book = Self {
            day: day_of(now_ms),
            baseline_ms: now_ms,
            marks: BTreeMap::new(),
            positions: BTreeMap::new(),
            peak: Decimal::ZERO,
            reference: Decimal::ZERO,
            breached: None,
        };
        for (token, size) in positions.iter().filter(|(_, s)| !s.is_zero()) {
            let mark = marks.get(token).copied().unwrap_or_default();
            book.marks.insert(token.clone(), mark);
            let side = if size.is_sign_positive() {
                Side::Buy
            } else {
                Side::Sell
            };
            book.position(token)
                .apply_fill(side, mark, size.abs(), Decimal::ZERO, now_ms);
        }
        book
    }

    /// A day as saved (no positions: [`Self::resume`] rebuilds them).
    pub fn saved(
        day: i64,
        baseline_ms: i64,
        marks: BTreeMap<TokenId, Decimal>,
        peak: Decimal,
        reference: Decimal,
        breached: Option<String>,
    ) -> Self {
        Self {
            day,
            baseline_ms,
            marks,
            positions: BTreeMap::new(),
            peak,
            reference,
            breached,
        }
    }

    /// A day saved before a restart: the positions at its baseline are the
    /// positions now less the day's fills (`fills`, in order), taken at the
    /// saved marks, then the day's fills again.
    pub fn resume(
        saved: DayBook,
        positions_now: &BTreeMap<TokenId, Decimal>,
        fills: &[(TokenId, Side, Decimal, Decimal, Decimal, i64)],
    ) -> Self {
        let mut at_baseline = positions_now.clone();
        for (token, side, _, size, _, _) in fills {
            *at_baseline.entry(token.clone()).or_default() -= side.sign() * *size;
        }
        let mut book = Self::start(saved.baseline_ms, &at_baseline, &saved.marks);
        book.day = saved.day;
        book.peak = saved.peak;
        book.reference = saved.reference;
        book.breached = saved.breached;
        for (token, side, price, size, fee, ts) in fills {
            book.fill(token, *side, *price, *size, *fee, *ts);
        }
        book
    }

    fn position(&mut self, token: &TokenId) -> &mut Position {
        self.positions
            .entry(token.clone())
            .or_insert_with(|| Position::flat(token.clone()))
    }

    /// A fill of the day.
    pub fn fill(
        &mut self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        size: Decimal,
        fee: Decimal,
        ts_ms: i64,
    ) {
        self.position(token)
            .apply_fill(side, price, size, fee, ts_ms);
    }

    /// A fill taken back (its trade failed): the opposite trade at the same
    /// price, and its fee returned.
    pub fn reverse(
        &mut self,
        token: &TokenId,
        side: Side,
        price: Decimal,
        size: Decimal,
        fee: Decimal,
        ts_ms: i64,
    ) {
        self.position(token)
            .apply_fill(side.opposite(), price, size, -fee, ts_ms);
    }

    /// The day's P&L with positions at `mark` (a token with none is taken at
    /// its day's cost: no gain, no loss).
    pub fn pnl(&self, mark: impl Fn(&TokenId) -> Option<Decimal>) -> DayPnl {
        let mut realized = Decimal::ZERO;
        let mut unrealized = Decimal::ZERO;
        for (token, p) in &self.positions {
            realized += p.realized_pnl - p.fees_paid;
            if !p.size.is_zero() {
                let at = mark(token).unwrap_or(p.avg_price);
                unrealized += p.unrealized_pnl(at);
            }
        }
        DayPnl {
            realized,
            unrealized,
            peak: self.peak.max(realized + unrealized),
            reference: self.reference,
        }
    }

    /// Checks the limits against `pnl` (the day's best moves up with it).
    /// A breach is returned once; while it stands it is not returned again.
    pub fn check(&mut self, pnl: &DayPnl, limits: LossLimits) -> Option<Breach> {
        let total = pnl.total();
        self.peak = self.peak.max(total);
        if self.breached.is_some() {
            return None;
        }
        let breach = if let Some(max) = limits
            .max_daily_loss
            .filter(|max| self.reference - total > *max)
        {
            Some(Breach {
                limit: "daily_loss",
                loss: self.reference - total,
                max,
                pnl: total,
            })
        } else {
            limits
                .max_drawdown
                .filter(|max| self.peak - total > *max)
                .map(|max| Breach {
                    limit: "drawdown",
                    loss: self.peak - total,
                    max,
                    pnl: total,
                })
        };
        if let Some(b) = &breach {
            self.breached = Some(b.limit.to_owned());
        }
        breach
    }

    /// An operator resumed after a loss-limit halt: further losses are
    /// measured from `total`, and the day's best restarts there.
    pub fn rearm(&mut self, total: Decimal) {
        self.breached = None;
        self.reference = total;
        self.peak = total;
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn t() -> TokenId {
        "1".into()
    }

    #[test]
    fn the_days_pnl_is_its_fills_and_its_positions_at_the_mark() {
        let mut held = BTreeMap::new();
        held.insert(t(), dec!(10));
        let mut marks = BTreeMap::new();
        marks.insert(t(), dec!(0.50));
        // 10 held at 00:00 when the mark was 0.50.
        let mut day = DayBook::start(DAY_MS * 20_000, &held, &marks);
        // Bought 10 more at 0.40 (fee 0.01), sold 5 at 0.45.
        day.fill(&t(), Side::Buy, dec!(0.40), dec!(10), dec!(0.01), 1);
        day.fill(&t(), Side::Sell, dec!(0.45), dec!(5), dec!(0), 2);
        // Average cost 0.45: the sale realizes 0; 15 held at a mark of 0.42.
        let pnl = day.pnl(|_| Some(dec!(0.42)));
        assert_eq!(pnl.realized, dec!(-0.01));
        assert_eq!(pnl.unrealized, dec!(-0.45));
        // Cash: −4.00 − 0.01 + 2.25; positions 15 × 0.42 − 10 × 0.50 at 00:00.
        assert_eq!(pnl.total(), dec!(-4.01) + dec!(2.25) + dec!(6.30) - dec!(5));
    }

    #[test]
    fn a_loss_past_the_limit_breaches_once_and_a_resume_measures_from_there() {
        let mut day = DayBook::start(0, &BTreeMap::new(), &BTreeMap::new());
        let limits = LossLimits {
            max_daily_loss: Some(dec!(5)),
            max_drawdown: None,
        };
        day.fill(&t(), Side::Buy, dec!(0.50), dec!(100), dec!(0), 1);
        let ok = day.pnl(|_| Some(dec!(0.46)));
        assert_eq!(ok.total(), dec!(-4));
        assert_eq!(day.check(&ok, limits), None);
        let bad = day.pnl(|_| Some(dec!(0.44)));
        let breach = day.check(&bad, limits).expect("−6 is past −5");
        assert_eq!((breach.limit, breach.loss), ("daily_loss", dec!(6)));
        assert!(
            breach.reason().contains("risk.max_daily_loss 5 USDC"),
            "{}",
            breach.reason()
        );
        assert_eq!(day.check(&bad, limits), None, "said once");
        // The operator resumes at −6: another −4 is within the limit, −6 more is not.
        day.rearm(bad.total());
        assert_eq!(day.check(&day.pnl(|_| Some(dec!(0.40))), limits), None);
        assert!(day.check(&day.pnl(|_| Some(dec!(0.38))), limits).is_some());
    }

    #[test]
    fn the_drawdown_is_measured_from_the_days_best() {
        let mut day = DayBook::start(0, &BTreeMap::new(), &BTreeMap::new());
        let limits = LossLimits {
            max_daily_loss: None,
            max_drawdown: Some(dec!(3)),
        };
        day.fill(&t(), Side::Buy, dec!(0.50), dec!(100), dec!(0), 1);
        // Up 10, then back to +8: within 3 of the best.
        assert_eq!(day.check(&day.pnl(|_| Some(dec!(0.60))), limits), None);
        assert_eq!(day.check(&day.pnl(|_| Some(dec!(0.58))), limits), None);
        // +6.5: 3.5 below the best of +10.
        let breach = day.check(&day.pnl(|_| Some(dec!(0.565))), limits).unwrap();
        assert_eq!((breach.limit, breach.loss), ("drawdown", dec!(3.5)));
    }

    #[test]
    fn a_restart_rebuilds_the_day_from_its_baseline_and_its_fills() {
        let mut held = BTreeMap::new();
        held.insert(t(), dec!(10));
        let mut marks = BTreeMap::new();
        marks.insert(t(), dec!(0.50));
        let mut live = DayBook::start(1_000, &held, &marks);
        let fills = vec![
            (t(), Side::Buy, dec!(0.40), dec!(10), dec!(0.01), 2_000),
            (t(), Side::Sell, dec!(0.45), dec!(5), dec!(0), 3_000),
        ];
        for (token, side, price, size, fee, ts) in &fills {
            live.fill(token, *side, *price, *size, *fee, *ts);
        }
        let mut now = BTreeMap::new();
        now.insert(t(), dec!(15));
        let saved = DayBook {
            positions: BTreeMap::new(),
            ..live.clone()
        };
        let again = DayBook::resume(saved, &now, &fills);
        let mark = |_: &TokenId| Some(dec!(0.42));
        assert_eq!(again.pnl(mark), live.pnl(mark));
    }
}
