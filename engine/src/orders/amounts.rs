//! Order amounts: the official V2 rounding rules.
//!
//! A price may have no more decimals than the tick size and must lie in
//! [tick, 1 − tick] on a multiple of the tick; a size has at most 2 decimals.
//! BUY: taker = size (shares), maker = size × price truncated to
//! (tick decimals + 2) places (USDC). SELL: the reverse. Both are then written
//! in 6-decimal fixed point. Any tick size works (0.1, 0.01, 0.005, 0.001,
//! 0.0025, 0.0001, …): the decimals follow the tick's own scale.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::Side;

/// Decimals of sizes (the lot size).
pub const SIZE_DECIMALS: u32 = 2;
/// Decimals of on-chain amounts (USDC and shares).
pub const AMOUNT_DECIMALS: u32 = 6;

/// Why an order's numbers are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The tick size is not in (0, 1).
    #[error("tick size {0} must be above 0 and below 1")]
    BadTick(Decimal),
    /// More price decimals than the tick allows.
    #[error("price {price} has {decimals} decimal places; tick size {tick} allows {allowed}")]
    PriceDecimals {
        /// Price.
        price: Decimal,
        /// Its decimals.
        decimals: u32,
        /// Tick.
        tick: Decimal,
        /// Allowed decimals.
        allowed: u32,
    },
    /// Outside [tick, 1 − tick].
    #[error("price {price} is outside [{min}, {max}] for tick size {tick}")]
    PriceOutOfRange {
        /// Price.
        price: Decimal,
        /// Lowest.
        min: Decimal,
        /// Highest.
        max: Decimal,
        /// Tick.
        tick: Decimal,
    },
    /// Not a multiple of the tick.
    #[error("price {price} is not a multiple of the tick size {tick}")]
    PriceNotOnTick {
        /// Price.
        price: Decimal,
        /// Tick.
        tick: Decimal,
    },
    /// More than 2 size decimals.
    #[error("size {size} has {decimals} decimal places; the lot size allows {SIZE_DECIMALS}")]
    SizeDecimals {
        /// Size.
        size: Decimal,
        /// Its decimals.
        decimals: u32,
    },
    /// Zero or negative size.
    #[error("size {0} must be above zero")]
    NonPositiveSize(Decimal),
    /// Too large to represent.
    #[error("amount {0} is too large")]
    TooLarge(Decimal),
}

/// Maker and taker amounts in 6-decimal fixed point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    /// What the maker gives (USDC for a buy, shares for a sell).
    pub maker: u128,
    /// What the maker receives.
    pub taker: u128,
}

/// Checks a price against a tick size.
pub fn check_price(price: Decimal, tick: Decimal) -> Result<(), AmountError> {
    if tick <= Decimal::ZERO || tick >= Decimal::ONE {
        return Err(AmountError::BadTick(tick));
    }
    let tick = tick.normalize();
    let price = price.normalize();
    if price.scale() > tick.scale() {
        return Err(AmountError::PriceDecimals {
            price,
            decimals: price.scale(),
            tick,
            allowed: tick.scale(),
        });
    }
    let max = Decimal::ONE - tick;
    if price < tick || price > max {
        return Err(AmountError::PriceOutOfRange {
            price,
            min: tick,
            max,
            tick,
        });
    }
    if !(price % tick).is_zero() {
        return Err(AmountError::PriceNotOnTick { price, tick });
    }
    Ok(())
}

/// Checks a size: positive, at most 2 decimals.
pub fn check_size(size: Decimal) -> Result<(), AmountError> {
    let size = size.normalize();
    if size <= Decimal::ZERO {
        return Err(AmountError::NonPositiveSize(size));
    }
    if size.scale() > SIZE_DECIMALS {
        return Err(AmountError::SizeDecimals {
            size,
            decimals: size.scale(),
        });
    }
    Ok(())
}

fn fixed(value: Decimal) -> Result<u128, AmountError> {
    let scaled = value.normalize().trunc_with_scale(AMOUNT_DECIMALS);
    let units = scaled * Decimal::from(10u64.pow(AMOUNT_DECIMALS));
    units.trunc().to_u128().ok_or(AmountError::TooLarge(value))
}

/// The maker and taker amounts of a limit order.
pub fn order_amounts(
    side: Side,
    price: Decimal,
    size: Decimal,
    tick: Decimal,
) -> Result<Amounts, AmountError> {
    check_price(price, tick)?;
    check_size(size)?;
    let decimals = tick.normalize().scale() + SIZE_DECIMALS;
    let notional = (size * price).trunc_with_scale(decimals);
    let (maker, taker) = match side {
        Side::Buy => (notional, size),
        Side::Sell => (size, notional),
    };
    Ok(Amounts {
        maker: fixed(maker)?,
        taker: fixed(taker)?,
    })
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    /// TEST_VECTORS.md "Amount vectors" (rs-clob-client tests/order.rs, py-clob-client test_builder.py).
    #[test]
    fn published_amount_vectors() {
        let buys = [
            (dec!(0.5), dec!(21.04), dec!(0.1), 10_520_000, 21_040_000),
            (dec!(0.56), dec!(21.04), dec!(0.01), 11_782_400, 21_040_000),
            (dec!(0.056), dec!(21.04), dec!(0.001), 1_178_240, 21_040_000),
            (dec!(0.0056), dec!(21.04), dec!(0.0001), 117_824, 21_040_000),
            (dec!(0.24), dec!(15), dec!(0.01), 3_600_000, 15_000_000),
            (dec!(0.82), dec!(101), dec!(0.01), 82_820_000, 101_000_000),
            (
                dec!(0.58),
                dec!(18233.33),
                dec!(0.01),
                10_575_331_400,
                18_233_330_000,
            ),
            (dec!(0.78), dec!(12.82), dec!(0.01), 9_999_600, 12_820_000),
            (dec!(0.512), dec!(100), dec!(0.001), 51_200_000, 100_000_000),
        ];
        for (price, size, tick, maker, taker) in buys {
            let a = order_amounts(Side::Buy, price, size, tick).unwrap();
            assert_eq!(
                (a.maker, a.taker),
                (maker, taker),
                "BUY {price} x {size} tick {tick}"
            );
        }
        let sells = [
            (dec!(0.5), dec!(21.04), 21_040_000, 10_520_000),
            (dec!(0.56), dec!(21.04), 21_040_000, 11_782_400),
            (dec!(0.39), dec!(2435.89), 2_435_890_000, 949_997_100),
            (dec!(0.43), dec!(19.1), 19_100_000, 8_213_000),
        ];
        for (price, size, maker, taker) in sells {
            let a = order_amounts(Side::Sell, price, size, dec!(0.01)).unwrap();
            assert_eq!((a.maker, a.taker), (maker, taker), "SELL {price} x {size}");
        }
    }

    #[test]
    fn every_tick_size_including_half_and_quarter_ticks() {
        // (tick, price, size, buy maker): notional truncated to tick decimals + 2.
        let cases = [
            (dec!(0.1), dec!(0.3), dec!(3.33), 999_000),
            (dec!(0.01), dec!(0.33), dec!(3.33), 1_098_900),
            (dec!(0.005), dec!(0.335), dec!(3.33), 1_115_550),
            (dec!(0.001), dec!(0.333), dec!(3.33), 1_108_890),
            (dec!(0.0025), dec!(0.3325), dec!(3.33), 1_107_225),
            (dec!(0.0001), dec!(0.3333), dec!(3.33), 1_109_889),
        ];
        for (tick, price, size, maker) in cases {
            let buy = order_amounts(Side::Buy, price, size, tick).unwrap();
            assert_eq!(
                buy,
                Amounts {
                    maker,
                    taker: 3_330_000
                },
                "tick {tick}"
            );
            let sell = order_amounts(Side::Sell, price, size, tick).unwrap();
            assert_eq!(
                sell,
                Amounts {
                    maker: 3_330_000,
                    taker: maker
                },
                "tick {tick}"
            );
        }
        // Truncation, not rounding: 0.3325 x 7.77 = 2.583525 → 6 decimals for tick 0.0025.
        assert_eq!(
            order_amounts(Side::Buy, dec!(0.3325), dec!(7.77), dec!(0.0025))
                .unwrap()
                .maker,
            2_583_525
        );
        // 0.335 x 7.77 = 2.60295 → 5 decimals for tick 0.005.
        assert_eq!(
            order_amounts(Side::Buy, dec!(0.335), dec!(7.77), dec!(0.005))
                .unwrap()
                .maker,
            2_602_950
        );
    }

    #[test]
    fn bad_numbers_are_refused_with_clear_errors() {
        let e = order_amounts(Side::Buy, dec!(0.5), dec!(12.8205), dec!(0.01)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "size 12.8205 has 4 decimal places; the lot size allows 2"
        );
        let e = order_amounts(Side::Buy, dec!(0.001), dec!(1), dec!(0.01)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "price 0.001 has 3 decimal places; tick size 0.01 allows 2"
        );
        let e = order_amounts(Side::Buy, dec!(0), dec!(1), dec!(0.005)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "price 0 is outside [0.005, 0.995] for tick size 0.005"
        );
        assert!(
            order_amounts(Side::Buy, dec!(0.995), dec!(1), dec!(0.005)).is_ok(),
            "1 - tick is allowed"
        );
        let e = order_amounts(Side::Buy, dec!(0.99), dec!(1), dec!(0.01)).unwrap();
        assert_eq!(e.taker, 1_000_000);
        let e = order_amounts(Side::Buy, dec!(1), dec!(1), dec!(0.01)).unwrap_err();
        assert!(matches!(e, AmountError::PriceOutOfRange { .. }), "{e}");
        let e = order_amounts(Side::Sell, dec!(0.333), dec!(1), dec!(0.005)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "price 0.333 is not a multiple of the tick size 0.005"
        );
        let e = order_amounts(Side::Sell, dec!(0.5), dec!(0), dec!(0.01)).unwrap_err();
        assert_eq!(e, AmountError::NonPositiveSize(dec!(0)));
        assert!(matches!(
            order_amounts(Side::Sell, dec!(0.5), dec!(1), dec!(1)),
            Err(AmountError::BadTick(_))
        ));
    }
}
