//! Positions: how a fill changes size, average price and realized P&L. Pure.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::orders::{Side, TokenId};

/// A net position in one outcome token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The token.
    pub token_id: TokenId,
    /// Net shares: positive long, negative short.
    pub size: Decimal,
    /// Average entry price of the open size (0 when flat).
    pub avg_price: Decimal,
    /// P&L realized by reducing trades, before fees.
    pub realized_pnl: Decimal,
    /// Fees paid on every fill.
    pub fees_paid: Decimal,
    /// When the last fill was applied (Unix ms).
    pub updated_at_ms: i64,
}

impl Position {
    /// A flat position.
    pub fn flat(token_id: TokenId) -> Self {
        Self {
            token_id,
            size: Decimal::ZERO,
            avg_price: Decimal::ZERO,
            realized_pnl: Decimal::ZERO,
            fees_paid: Decimal::ZERO,
            updated_at_ms: 0,
        }
    }

    /// Applies one fill: adding to a position moves the average price;
    /// reducing it realizes `(price − avg) × closed` (sign-adjusted); crossing
    /// through zero opens the remainder at the fill price.
    pub fn apply_fill(
        &mut self,
        side: Side,
        price: Decimal,
        size: Decimal,
        fee: Decimal,
        ts_ms: i64,
    ) {
        let signed = side.sign() * size;
        let old = self.size;
        if old.is_zero() || old.is_sign_positive() == signed.is_sign_positive() {
            let total = old.abs() + size;
            self.avg_price = (self.avg_price * old.abs() + price * size) / total;
            self.size = old + signed;
        } else {
            let closing = size.min(old.abs());
            let direction = if old.is_sign_positive() {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            self.realized_pnl += (price - self.avg_price) * closing * direction;
            self.size = old + signed;
            if self.size.is_zero() {
                self.avg_price = Decimal::ZERO;
            } else if size > closing {
                self.avg_price = price;
            }
        }
        // Averages of repeating decimals are kept to 10 places.
        self.avg_price = self.avg_price.round_dp(10).normalize();
        self.size = self.size.normalize();
        self.realized_pnl = self.realized_pnl.round_dp(10).normalize();
        self.fees_paid = (self.fees_paid + fee).normalize();
        self.updated_at_ms = ts_ms;
    }

    /// Mark-to-market P&L of the open size at `mark`.
    pub fn unrealized_pnl(&self, mark: Decimal) -> Decimal {
        (mark - self.avg_price) * self.size
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn add_reduce_flip_and_close() {
        let mut p = Position::flat("1".into());
        p.apply_fill(Side::Buy, dec!(0.40), dec!(10), dec!(0), 1);
        p.apply_fill(Side::Buy, dec!(0.50), dec!(10), dec!(0.01), 2);
        assert_eq!((p.size, p.avg_price), (dec!(20), dec!(0.45)));
        p.apply_fill(Side::Sell, dec!(0.55), dec!(5), dec!(0), 3);
        assert_eq!(
            (p.size, p.avg_price, p.realized_pnl),
            (dec!(15), dec!(0.45), dec!(0.5))
        );
        // Sell 20: closes 15 (+1.5), opens 5 short at 0.55.
        p.apply_fill(Side::Sell, dec!(0.55), dec!(20), dec!(0), 4);
        assert_eq!(
            (p.size, p.avg_price, p.realized_pnl),
            (dec!(-5), dec!(0.55), dec!(2))
        );
        // Buy back 5 at 0.50: short gains 0.25.
        p.apply_fill(Side::Buy, dec!(0.50), dec!(5), dec!(0), 5);
        assert_eq!(
            (p.size, p.avg_price, p.realized_pnl),
            (dec!(0), dec!(0), dec!(2.25))
        );
        assert_eq!(p.fees_paid, dec!(0.01));
        assert_eq!(p.updated_at_ms, 5);
    }

    #[test]
    fn unrealized_follows_the_mark() {
        let mut p = Position::flat("1".into());
        p.apply_fill(Side::Sell, dec!(0.60), dec!(10), dec!(0), 1);
        assert_eq!(p.unrealized_pnl(dec!(0.50)), dec!(1.0));
    }
}
