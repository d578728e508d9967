//! Why the exchange (or the venue before it) refused an order, read from
//! the refusal's text: what the engine does next depends on it.
//!
//! - Refusals of this order (funds, tick, size, a post-only order that would
//!   cross, an expiration, a closed market, cancel-only mode) back its token
//!   and side off; a funds refusal also has the balance read again, and a
//!   tick refusal the tick, before that side posts again.
//! - Refusals of the account (closed-only mode, banned, trading disabled, a
//!   signing version the exchange no longer takes, a geoblocked IP) would
//!   refuse every order alike: they halt trading through the kill switch.
//!
//! The texts are the exchange's (`fixtures/polymarket/error_responses`):
//! `{"error": "not enough balance / allowance"}`, `"… breaks minimum tick
//! size rule: 0.01"`, `INVALID_ORDER_MIN_SIZE`, `"'0x…' address in closed
//! only mode"`, `order_version_mismatch`, and the rest.

/// A refused order's cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refused {
    /// Not enough collateral or shares, or no allowance for them.
    Balance,
    /// The price is not on the market's tick.
    TickSize,
    /// The size is below the market's minimum.
    MinSize,
    /// A post-only order that would have crossed the book.
    PostOnly,
    /// A bad expiration (GTD).
    Expiration,
    /// The market takes no orders.
    MarketClosed,
    /// The exchange accepts cancels only for now.
    CancelOnly,
    /// The engine did not send it (dead-man's switch, persistence, shutdown).
    NotSent,
    /// The account may only close positions.
    ClosedOnly,
    /// The address is banned.
    Banned,
    /// Trading is disabled on the exchange.
    TradingDisabled,
    /// The order's signing version is not the exchange's.
    VersionMismatch,
    /// The exchange does not serve this IP's region.
    Geoblocked,
    /// Anything else.
    Other,
}

impl Refused {
    /// The `reason` label of `ploy_order_rejections_total`.
    pub fn label(self) -> &'static str {
        match self {
            Refused::Balance => "balance",
            Refused::TickSize => "tick_size",
            Refused::MinSize => "min_size",
            Refused::PostOnly => "post_only",
            Refused::Expiration => "expiration",
            Refused::MarketClosed => "market_closed",
            Refused::CancelOnly => "cancel_only",
            Refused::NotSent => "not_sent",
            Refused::ClosedOnly => "closed_only",
            Refused::Banned => "banned",
            Refused::TradingDisabled => "trading_disabled",
            Refused::VersionMismatch => "version_mismatch",
            Refused::Geoblocked => "geoblocked",
            Refused::Other => "other",
        }
    }

    /// Whether it refuses the account rather than this order: every order
    /// would be refused alike, so trading halts.
    pub fn halts(self) -> bool {
        matches!(
            self,
            Refused::ClosedOnly
                | Refused::Banned
                | Refused::TradingDisabled
                | Refused::VersionMismatch
                | Refused::Geoblocked
        )
    }

    /// What an operator does about an account refusal.
    pub fn hint(self) -> &'static str {
        match self {
            Refused::ClosedOnly => "the exchange lets this address only close positions; see the account on polymarket.com",
            Refused::Banned => "the exchange banned this address; contact Polymarket",
            Refused::TradingDisabled => "the exchange disabled trading; check polymarket.com for updates, then resume",
            Refused::VersionMismatch => "the exchange no longer takes orders signed as this release signs them; upgrade ploy",
            Refused::Geoblocked => "the exchange does not serve this host's region (ploy check-config --connect shows the geoblock check)",
            _ => "",
        }
    }
}

/// Reads a refusal's text.
pub fn classify(reason: &str) -> Refused {
    let r = reason.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| r.contains(n));
    if has(&["not sent:", "shutdown"]) {
        Refused::NotSent
    } else if has(&["closed only mode", "closed-only mode", "close only mode"]) {
        Refused::ClosedOnly
    } else if has(&["banned"]) {
        Refused::Banned
    } else if has(&["trading is currently disabled", "trading disabled"]) {
        Refused::TradingDisabled
    } else if has(&["order_version_mismatch", "version mismatch"]) {
        Refused::VersionMismatch
    } else if has(&[
        "restricted in your region",
        "geoblock",
        "region is restricted",
    ]) {
        Refused::Geoblocked
    } else if has(&["cancel-only", "cancel only"]) {
        Refused::CancelOnly
    } else if has(&["tick size", "tick_size"]) {
        Refused::TickSize
    } else if has(&[
        "not enough balance",
        "not_enough_balance",
        "allowance",
        "insufficient",
    ]) {
        Refused::Balance
    } else if has(&[
        "min_size",
        "lower than the minimum",
        "minimum order size",
        "below the minimum",
    ]) {
        Refused::MinSize
    } else if has(&[
        "post_only_order",
        "post-only order would cross",
        "would cross",
    ]) {
        Refused::PostOnly
    } else if has(&["expiration"]) {
        Refused::Expiration
    } else if has(&[
        "market_not_ready",
        "not accepting orders",
        "market is closed",
        "market closed",
    ]) {
        Refused::MarketClosed
    } else {
        Refused::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exchanges_refusals_are_read_as_documented() {
        let cases = [
            ("the exchange rejected the request: not enough balance / allowance", Refused::Balance),
            ("INVALID_ORDER_NOT_ENOUGH_BALANCE", Refused::Balance),
            (
                "the exchange rejected the request: order 0xabc is invalid. Price (0.535) breaks minimum tick size rule: 0.01",
                Refused::TickSize,
            ),
            ("INVALID_ORDER_MIN_TICK_SIZE", Refused::TickSize),
            ("INVALID_ORDER_MIN_SIZE", Refused::MinSize),
            ("order is invalid. Size lower than the minimum", Refused::MinSize),
            ("INVALID_POST_ONLY_ORDER: post-only order would cross the book", Refused::PostOnly),
            ("INVALID_ORDER_EXPIRATION", Refused::Expiration),
            ("MARKET_NOT_READY", Refused::MarketClosed),
            ("cancel-only mode: Trading is currently cancel-only.", Refused::CancelOnly),
            ("not sent: the exchange is in cancel-only mode", Refused::NotSent),
            ("the exchange rejected the request: '0x1234' address in closed only mode", Refused::ClosedOnly),
            ("'0x1234...' address banned", Refused::Banned),
            ("Trading is currently disabled. Check polymarket.com for updates", Refused::TradingDisabled),
            ("the exchange rejected the request: order_version_mismatch", Refused::VersionMismatch),
            ("Trading restricted in your region, please refer to available regions", Refused::Geoblocked),
            ("could not insert order", Refused::Other),
        ];
        for (text, want) in cases {
            assert_eq!(classify(text), want, "{text}");
        }
        let halting: Vec<&str> = cases
            .iter()
            .map(|(_, k)| *k)
            .filter(|k| k.halts())
            .map(Refused::label)
            .collect();
        assert_eq!(
            halting,
            [
                "closed_only",
                "banned",
                "trading_disabled",
                "version_mismatch",
                "geoblocked"
            ]
        );
    }
}
