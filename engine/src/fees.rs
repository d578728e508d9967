//! Polymarket V2 fees, as the exchange charges them. Each market publishes
//! its parameters (`GET /clob-markets/{condition_id}`, `fd: {r, e, to}`):
//! a fill of `shares` at price `p` costs `shares × r × (p(1−p))^e` USDC, and
//! when `to` (taker only) is set the resting side, the maker, pays nothing.
//! Live fills and paper fills use the same model; money stays decimal,
//! rounded to USDC's 6 decimals.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::orders::TokenId;

/// One market's fee parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeeModel {
    /// `r`: the rate.
    pub rate: Decimal,
    /// `e`: the exponent of p(1−p).
    pub exponent: u32,
    /// `to`: only takers pay.
    pub taker_only: bool,
}

impl FeeModel {
    /// No fee at all.
    pub const FREE: Self = Self {
        rate: Decimal::ZERO,
        exponent: 0,
        taker_only: true,
    };

    /// The fee of a fill of `shares` at `price`, for the taker or the maker.
    pub fn fee(&self, shares: Decimal, price: Decimal, taker: bool) -> Decimal {
        if self.rate.is_zero() || (self.taker_only && !taker) {
            return Decimal::ZERO;
        }
        let base = price * (Decimal::ONE - price);
        let mut factor = Decimal::ONE;
        for _ in 0..self.exponent {
            factor *= base;
        }
        (shares * self.rate * factor).round_dp(6).normalize()
    }
}

/// `GET /clob-markets/{condition_id}`, the parts the engine reads.
#[derive(Debug, Clone, Deserialize)]
pub struct MarketInfo {
    /// The market's tokens (`t`: token ID, `o`: outcome).
    #[serde(default)]
    pub t: Vec<MarketToken>,
    /// Fee details.
    #[serde(default)]
    pub fd: Option<FeeDetails>,
}

/// One token of a market.
#[derive(Debug, Clone, Deserialize)]
pub struct MarketToken {
    /// Token ID.
    pub t: String,
}

/// `fd`: the fee parameters as published (numbers).
#[derive(Debug, Clone, Deserialize)]
pub struct FeeDetails {
    /// Rate.
    pub r: f64,
    /// Exponent.
    pub e: f64,
    /// Taker only.
    #[serde(default)]
    pub to: bool,
}

impl MarketInfo {
    /// The fee model, when published and sane (a rate from 0 to 1, a whole
    /// exponent from 0 to 8).
    pub fn fee_model(&self) -> Result<FeeModel, String> {
        let Some(fd) = &self.fd else {
            return Ok(FeeModel::FREE);
        };
        let rate = Decimal::try_from(fd.r)
            .map_err(|e| format!("fee rate {}: {e}", fd.r))?
            .round_dp(8)
            .normalize();
        if rate < Decimal::ZERO || rate > Decimal::ONE {
            return Err(format!("fee rate {rate} is not between 0 and 1"));
        }
        if fd.e.fract() != 0.0 || !(0.0..=8.0).contains(&fd.e) {
            return Err(format!(
                "fee exponent {} is not a whole number from 0 to 8",
                fd.e
            ));
        }
        Ok(FeeModel {
            rate,
            exponent: fd.e as u32,
            taker_only: fd.to,
        })
    }
}

/// Each quoted token's fee model.
pub type FeeBook = BTreeMap<TokenId, FeeModel>;

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn the_published_formula_charges_takers_only_when_the_market_says_so() {
        let m = FeeModel {
            rate: dec!(0.02),
            exponent: 2,
            taker_only: true,
        };
        // 5 × 0.02 × (0.48 × 0.52)² = 0.1 × 0.06230016
        assert_eq!(m.fee(dec!(5), dec!(0.48), true), dec!(0.00623));
        assert_eq!(
            m.fee(dec!(5), dec!(0.48), false),
            Decimal::ZERO,
            "makers pay nothing"
        );
        let both = FeeModel {
            taker_only: false,
            ..m
        };
        assert_eq!(both.fee(dec!(5), dec!(0.48), false), dec!(0.00623));
        // Symmetric in p and 1 − p; highest at 0.5.
        assert_eq!(
            m.fee(dec!(100), dec!(0.3), true),
            m.fee(dec!(100), dec!(0.7), true)
        );
        assert!(m.fee(dec!(100), dec!(0.5), true) > m.fee(dec!(100), dec!(0.4), true));
        assert_eq!(
            FeeModel::FREE.fee(dec!(100), dec!(0.5), true),
            Decimal::ZERO
        );
    }

    #[test]
    fn market_info_from_the_documented_example() {
        let text = include_str!("../tests/fixtures/polymarket/clob_market_info.docs_example.json");
        let info: MarketInfo = serde_json::from_str(text).unwrap();
        assert_eq!(
            info.fee_model().unwrap(),
            FeeModel {
                rate: dec!(0.02),
                exponent: 2,
                taker_only: true
            }
        );
        assert_eq!(info.t[0].t.len(), 77);
        let odd: MarketInfo =
            serde_json::from_str(r#"{"fd": {"r": 0.02, "e": 1.5, "to": true}}"#).unwrap();
        assert!(odd.fee_model().unwrap_err().contains("whole number"));
        let none: MarketInfo = serde_json::from_str("{}").unwrap();
        assert_eq!(none.fee_model().unwrap(), FeeModel::FREE);
    }
}
